import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ActionGroupUses } from '../action-groups/group-uses.js';
import { DispositionsRepository } from './dispositions.repository.js';

/** Tells the action groups which dispositions fire a group, so one in use is not deleted. */
@Injectable()
export class DispositionGroupUses implements OnModuleInit {
  constructor(
    private readonly rows: DispositionsRepository,
    private readonly uses: ActionGroupUses,
  ) {}

  onModuleInit(): void {
    this.uses.register(async (groupId) => (await this.rows.codesFiring(groupId)).map((code) => `disposition ${code}`));
  }
}
