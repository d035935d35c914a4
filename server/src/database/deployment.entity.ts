import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * Who this database's deployment is: one row (id 1) holding an id made once, by the
 * first instance to start. Instances of one deployment share it however they reach the
 * database (another host name, a pooler, a replica's address), and nothing else has it.
 */
@Entity('deployment')
export class DeploymentEntity {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ name: 'deployment_id', type: 'varchar', length: 36 })
  deploymentId: string;

  @InstantColumn({ name: 'created_at' })
  createdAt: Date;
}
