import type { MixedList } from 'typeorm';
import { ReportRollups1796691000000 } from './1796691000000-ReportRollups.js';
import { EmailConversations1796690300000 } from './1796690300000-EmailConversations.js';
import { InboundEmail1796690400000 } from './1796690400000-InboundEmail.js';
import { LeadReplies1796690600000 } from './1796690600000-LeadReplies.js';
import { AgentDesk1796690100000 } from './1796690100000-AgentDesk.js';
import { CallRecordings1796680200000 } from './1796680200000-CallRecordings.js';
import { CallLegsByUser1796680350000 } from './1796680350000-CallLegsByUser.js';
import { LeadSearchPrefixes1796690000000 } from './1796690000000-LeadSearchPrefixes.js';
import { QueueHoldMusic1796690200000 } from './1796690200000-QueueHoldMusic.js';
import { LeadAuthors1796690500000 } from './1796690500000-LeadAuthors.js';
import { QueueTargetAbandon1796690700000 } from './1796690700000-QueueTargetAbandon.js';
import { QueueRecycling1796691100000 } from './1796691100000-QueueRecycling.js';
import { RefusalsByTime1796691110000 } from './1796691110000-RefusalsByTime.js';
import { ItemRefusalCodes1796691120000 } from './1796691120000-ItemRefusalCodes.js';
import { ReportSubscriptions1796691600000 } from './1796691600000-ReportSubscriptions.js';
import { ConversationHolds1796691610000 } from './1796691610000-ConversationHolds.js';
import { CallListKey1796691300000 } from './1796691300000-CallListKey.js';
import { ReportDays1796691400000 } from './1796691400000-ReportDays.js';
import { LeadImportOrigin1796691500000 } from './1796691500000-LeadImportOrigin.js';
import { EmailDelivered1796690900000 } from './1796690900000-EmailDelivered.js';
import { MailboxCursors1796690910000 } from './1796690910000-MailboxCursors.js';
import { QueueSupervisors1796680100000 } from './1796680100000-QueueSupervisors.js';
import { CallRooms1796680000000 } from './1796680000000-CallRooms.js';
import { Deployment1796594986416 } from './1796594986416-Deployment.js';
import { LoginThrottles1796589051122 } from './1796589051122-LoginThrottles.js';
import { SchedulePermissions1796280061835 } from './1796280061835-SchedulePermissions.js';
import { ConsentLedger1796563912120 } from './1796563912120-ConsentLedger.js';
import { AudiencesAndLeadViews1796237225418 } from './1796237225418-AudiencesAndLeadViews.js';
import { SmartSchedules1796235854562 } from './1796235854562-SmartSchedules.js';
import { EmailOpensClicks1796235119658 } from './1796235119658-EmailOpensClicks.js';
import { LeadContactedMode1796234829475 } from './1796234829475-LeadContactedMode.js';
import { StepAutomations1796232862715 } from './1796232862715-StepAutomations.js';
import { SmsTemplates1796223214903 } from './1796223214903-SmsTemplates.js';
import { Integrations1796220310817 } from './1796220310817-Integrations.js';
import { ActionGroups1796219877980 } from './1796219877980-ActionGroups.js';
import { Dispositions1796185942506 } from './1796185942506-Dispositions.js';
import { DialItemPrecheck1796184968853 } from './1796184968853-DialItemPrecheck.js';
import { DialQueues1796181118262 } from './1796181118262-DialQueues.js';
import { AgentsAndDeliveries1796168523261 } from './1796168523261-AgentsAndDeliveries.js';
import { JobClaimOrder1796167555261 } from './1796167555261-JobClaimOrder.js';
import { SchedulesAndCallbacks1795363346028 } from './1795363346028-SchedulesAndCallbacks.js';
import { DurableScheduler1795348900926 } from './1795348900926-DurableScheduler.js';
import { Telephony1795348142229 } from './1795348142229-Telephony.js';
import { LeadImportsAndDnc1795347349283 } from './1795347349283-LeadImportsAndDnc.js';
import { LeadsAndCompliance1795342479370 } from './1795342479370-LeadsAndCompliance.js';
import { Init1795337359420 } from './1795337359420-Init.js';

/** The mysql migrations, in the order they run. Append only; never edit one that has landed. */
export const MYSQL_MIGRATIONS: MixedList<Function> = [
  Init1795337359420,
  LeadsAndCompliance1795342479370,
  LeadImportsAndDnc1795347349283,
  Telephony1795348142229,
  DurableScheduler1795348900926,
  SchedulesAndCallbacks1795363346028,
  JobClaimOrder1796167555261,
  AgentsAndDeliveries1796168523261,
  DialQueues1796181118262,
  DialItemPrecheck1796184968853,
  Dispositions1796185942506,
  ActionGroups1796219877980,
  Integrations1796220310817,
  SmsTemplates1796223214903,
  StepAutomations1796232862715,
  LeadContactedMode1796234829475,
  EmailOpensClicks1796235119658,
  SmartSchedules1796235854562,
  AudiencesAndLeadViews1796237225418,
  SchedulePermissions1796280061835,
  ConsentLedger1796563912120,
  LoginThrottles1796589051122,
  Deployment1796594986416,
  CallRooms1796680000000,
  QueueSupervisors1796680100000,
  CallRecordings1796680200000,
  CallLegsByUser1796680350000,
  LeadSearchPrefixes1796690000000,
  AgentDesk1796690100000,
  QueueHoldMusic1796690200000,
  EmailConversations1796690300000,
  InboundEmail1796690400000,
  LeadAuthors1796690500000,
  LeadReplies1796690600000,
  QueueTargetAbandon1796690700000,
  EmailDelivered1796690900000,
  MailboxCursors1796690910000,
  ReportRollups1796691000000,
  QueueRecycling1796691100000,
  RefusalsByTime1796691110000,
  ItemRefusalCodes1796691120000,
  CallListKey1796691300000,
  ReportDays1796691400000,
  LeadImportOrigin1796691500000,
  ReportSubscriptions1796691600000,
  ConversationHolds1796691610000,
];
