import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ActionGroupUses } from '../action-groups/group-uses.js';
import { DispositionEntity } from './disposition.entity.js';

/** Tells the action groups which dispositions fire a group, so one in use is not deleted. */
@Injectable()
export class DispositionGroupUses implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly uses: ActionGroupUses,
  ) {}

  onModuleInit(): void {
    this.uses.register(async (groupId) => (await this.ds.getRepository(DispositionEntity).find({ select: { code: true }, where: { actionGroupId: groupId } })).map((d) => `disposition ${d.code}`));
  }
}
