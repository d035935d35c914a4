import { randomUUID } from 'node:crypto';
import type { Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { retryingThroughFaults } from './db-errors.js';
import { DeploymentEntity } from './deployment.entity.js';

/** Injection token: this deployment's id (a string), read or made at start. */
export const DEPLOYMENT_ID = Symbol('DEPLOYMENT_ID');

/**
 * The deployment's id: the stored one, or, on a database that has none yet, one made
 * now. Instances starting together insert at most one row (the primary key), and each
 * reads back the row that won.
 */
export async function readDeploymentId(ds: DataSource): Promise<string> {
  const repo = ds.getRepository(DeploymentEntity);
  const held = await retryingThroughFaults(() => repo.findOneBy({ id: 1 }));
  if (held) return held.deploymentId;
  await retryingThroughFaults(() => repo.createQueryBuilder().insert().values({ id: 1, deploymentId: randomUUID(), createdAt: new Date() }).orIgnore().execute());
  return (await retryingThroughFaults(() => repo.findOneByOrFail({ id: 1 }))).deploymentId;
}

export const deploymentIdProvider: Provider = {
  provide: DEPLOYMENT_ID,
  useFactory: (ds: DataSource) => readDeploymentId(ds),
  inject: [getDataSourceToken()],
};
