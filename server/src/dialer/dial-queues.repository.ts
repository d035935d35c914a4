import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DialQueueAgentEntity, DialQueueEntity, DialQueueSupervisorEntity } from './dial-queue.entity.js';

/** The queues table and who works each queue. */
@Injectable()
export class DialQueuesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get queues() {
    return this.ds.getRepository(DialQueueEntity);
  }

  findById(id: string): Promise<DialQueueEntity | null> {
    return this.queues.findOneBy({ id });
  }

  /** The queue, which must exist (an item's queue). */
  getById(id: string): Promise<DialQueueEntity> {
    return this.queues.findOneByOrFail({ id });
  }

  findByIds(ids: string[]): Promise<DialQueueEntity[]> {
    return this.queues.findBy({ id: In(ids) });
  }

  async exists(id: string): Promise<boolean> {
    return (await this.queues.countBy({ id })) > 0;
  }

  /** Every queue by name, with its agents and supervisors. */
  async list(): Promise<Array<{ queue: DialQueueEntity; agentIds: string[]; supervisorIds: string[] }>> {
    const rows = await this.queues.find({ order: { name: 'ASC' } });
    const ids = rows.map((r) => r.id);
    const [agents, supervisors] = rows.length
      ? await Promise.all([this.ds.getRepository(DialQueueAgentEntity).findBy({ queueId: In(ids) }), this.ds.getRepository(DialQueueSupervisorEntity).findBy({ queueId: In(ids) })])
      : [[], []];
    return rows.map((queue) => ({
      queue,
      agentIds: agents.filter((a) => a.queueId === queue.id).map((a) => a.userId),
      supervisorIds: supervisors.filter((a) => a.queueId === queue.id).map((a) => a.userId),
    }));
  }

  async supervisorsOf(queueId: string): Promise<string[]> {
    return (await this.ds.getRepository(DialQueueSupervisorEntity).find({ where: { queueId } })).map((a) => a.userId);
  }

  /** The ids of the queues a user supervises. */
  async supervisedBy(userId: string): Promise<string[]> {
    return (await this.ds.getRepository(DialQueueSupervisorEntity).find({ where: { userId } })).map((a) => a.queueId);
  }

  /** The ids of the queues a user works as an agent. */
  async workedBy(userId: string): Promise<string[]> {
    return (await this.ds.getRepository(DialQueueAgentEntity).find({ where: { userId } })).map((a) => a.queueId);
  }

  async activeIds(): Promise<string[]> {
    return (await this.queues.find({ select: { id: true }, where: { active: true } })).map((q) => q.id);
  }

  async agentsOf(queueId: string): Promise<string[]> {
    return (await this.ds.getRepository(DialQueueAgentEntity).find({ where: { queueId } })).map((a) => a.userId);
  }

  /** The active queues an agent works, by name. */
  activeQueuesOf(userId: string): Promise<DialQueueEntity[]> {
    return this.queues.createQueryBuilder('q').innerJoin(DialQueueAgentEntity, 'a', 'a.queue_id = q.id AND a.user_id = :userId', { userId }).where('q.active = :active', { active: true }).orderBy('q.name', 'ASC').getMany();
  }

  /** The active queues each of several agents works, by name, in one statement. */
  async activeQueuesOfMany(userIds: string[]): Promise<Map<string, DialQueueEntity[]>> {
    const out = new Map<string, DialQueueEntity[]>(userIds.map((u) => [u, []]));
    if (!userIds.length) return out;
    const { entities, raw } = await this.queues
      .createQueryBuilder('q')
      .innerJoin(DialQueueAgentEntity, 'a', 'a.queue_id = q.id AND a.user_id IN (:...userIds)', { userIds })
      .addSelect('a.user_id', 'agent_id')
      .where('q.active = :active', { active: true })
      .orderBy('q.name', 'ASC')
      .getRawAndEntities<{ agent_id: string; q_id: string }>();
    const byId = new Map(entities.map((q) => [q.id, q]));
    for (const r of raw) out.get(r.agent_id)?.push(byId.get(r.q_id) as DialQueueEntity);
    return out;
  }

  /** The queue and (when given) its agents and supervisors, in one transaction; a taken name throws the unique violation. */
  async save(q: DialQueueEntity, agentIds: string[] | undefined, insert: boolean, supervisorIds?: string[]): Promise<void> {
    await this.ds.transaction(async (em) => {
      if (insert) await em.getRepository(DialQueueEntity).insert({ ...q });
      else await em.getRepository(DialQueueEntity).save({ ...q });
      if (agentIds) {
        await em.getRepository(DialQueueAgentEntity).delete({ queueId: q.id });
        const unique = [...new Set(agentIds)];
        if (unique.length) await em.getRepository(DialQueueAgentEntity).insert(unique.map((userId) => ({ queueId: q.id, userId })));
      }
      if (supervisorIds) {
        await em.getRepository(DialQueueSupervisorEntity).delete({ queueId: q.id });
        const unique = [...new Set(supervisorIds)];
        if (unique.length) await em.getRepository(DialQueueSupervisorEntity).insert(unique.map((userId) => ({ queueId: q.id, userId })));
      }
    });
  }
}
