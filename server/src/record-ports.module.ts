import { Global, Module } from '@nestjs/common';
import { LeadDirectory } from './compliance/lead-directory.js';
import { LeadsModule } from './leads/leads.module.js';
import { LeadsRepository } from './leads/leads.repository.js';
import { LeadsService } from './leads/leads.service.js';

/**
 * The ports between rooms of one floor that must not import each other, bound here at the
 * composition root: compliance reads leads through `LeadDirectory`, filled by the leads room.
 */
@Global()
@Module({
  imports: [LeadsModule],
  providers: [
    {
      provide: LeadDirectory,
      inject: [LeadsRepository, LeadsService],
      useFactory: (repo: LeadsRepository, leads: LeadsService): LeadDirectory => ({
        findById: (id) => repo.findById(id),
        findByIds: (ids) => repo.findByIds(ids),
        findLeadIdsByEmail: (email) => repo.findLeadIdsByEmail(email),
        findLeadIdsByPhone: (e164) => repo.findLeadIdsByPhone(e164),
        phonesOfLeadSubquery: (param) => repo.phonesOfLeadSubquery(param),
        assertReadable: async (leadId, actor) => {
          await leads.get(leadId, actor);
        },
      }),
    },
  ],
  exports: [LeadDirectory],
})
export class RecordPortsModule {}
