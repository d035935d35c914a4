import { LoginThrottleEntity } from './auth/login-throttle.entity.js';
import { RefreshTokenEntity } from './auth/refresh-token.entity.js';
import { BlockEntity } from './compliance/block.entity.js';
import { ContactAttemptEntity, ContactRefusalEntity } from './compliance/contact-attempt.entity.js';
import { DncListEntity, DncNumberEntity } from './compliance/dnc.entity.js';
import { OptOutEntity, OptOutLeadEntity } from './compliance/opt-out.entity.js';
import { ConsentReviewEntity } from './compliance/consent-review.entity.js';
import { CustomFieldDefinitionEntity } from './leads/custom-field.entity.js';
import { LeadImportEntity, LeadImportIssueEntity } from './leads/import/lead-import.entity.js';
import { LeadEntity, LeadPhoneEntity, LeadTagEntity } from './leads/lead.entity.js';
import { ConversationEntity, ConversationEventEntity, RateLimitEntity } from './telephony/conversations/conversation.entity.js';
import { CallEventEntity, CallLegEntity } from './telephony/rooms/call-leg.entity.js';
import { CallRecordingEntity } from './telephony/rooms/call-recording.entity.js';
import { PoolNumberEntity, PoolNumberUsageEntity, RingPoolEntity } from './telephony/ring-pools/ring-pool.entity.js';
import { ClusterLockEntity, JobEntity } from './scheduler/job.entity.js';
import { CallbackEntity } from './callbacks/callback.entity.js';
import { EmailInboundEntity } from './email/email-inbound.entity.js';
import { LeadReplyEntity } from './replies/lead-reply.entity.js';
import { EmailMessageEntity } from './email/email-message.entity.js';
import { MailboxCursorEntity } from './email/mailbox-cursor.entity.js';
import { EnrollmentEntity, ParticipantActionEntity, ScheduleEntity, ScheduleShareEntity, ScheduleStepEntity } from './schedules/schedule.entity.js';
import { AgentPresenceEntity, AgentStateChangeEntity } from './agents/agent.entity.js';
import { WorkDeliveryEntity } from './realtime/work-delivery.entity.js';
import { DialCallEntity, DialQueueAgentEntity, DialQueueSupervisorEntity, DialQueueEntity, DialQueueItemEntity } from './dialer/dial-queue.entity.js';
import { DispositionChangeEntity, DispositionEntity } from './dispositions/disposition.entity.js';
import { ReportCallDayEntity, ReportDispositionDayEntity, ReportStateDayEntity } from './reports/report-day.entity.js';
import { ReportCallHourEntity, ReportDispositionHourEntity, ReportStateHourEntity, ReportWatermarkEntity } from './reports/report-rollup.entity.js';
import { ReportSubscriptionEntity } from './reports/report-subscription.entity.js';
import { IntegrationEntity, IntegrationLinkEntity } from './integrations/integration.entity.js';
import { SmsTemplateEntity } from './messaging/sms-template.entity.js';
import { ActionGroupEntity, ActionGroupRunEntity, ActionGroupRunStepEntity } from './action-groups/action-group.entity.js';
import { AutomationRunEntity, InterestAnswerEntity, StepAutomationEntity } from './schedules/automations/automation.entity.js';
import { LeadViewEntity } from './schedules/lead-view.entity.js';
import { DeploymentEntity } from './database/deployment.entity.js';
import { AccountSettingsEntity } from './settings/account-settings.entity.js';
import { UserEntity } from './users/user.entity.js';

/** Every entity, in one list shared by the app, the migration CLI and the drift check. */
export const ENTITIES = [
  DeploymentEntity,
  UserEntity,
  RefreshTokenEntity,
  LoginThrottleEntity,
  AccountSettingsEntity,
  LeadEntity,
  LeadPhoneEntity,
  LeadTagEntity,
  CustomFieldDefinitionEntity,
  OptOutEntity,
  OptOutLeadEntity,
  ConsentReviewEntity,
  BlockEntity,
  ContactAttemptEntity,
  ContactRefusalEntity,
  DncListEntity,
  DncNumberEntity,
  LeadImportEntity,
  LeadImportIssueEntity,
  RingPoolEntity,
  PoolNumberEntity,
  PoolNumberUsageEntity,
  ConversationEntity,
  ConversationEventEntity,
  CallLegEntity,
  CallEventEntity,
  CallRecordingEntity,
  RateLimitEntity,
  JobEntity,
  ClusterLockEntity,
  ScheduleEntity,
  LeadViewEntity,
  StepAutomationEntity,
  AutomationRunEntity,
  InterestAnswerEntity,
  ScheduleStepEntity,
  ScheduleShareEntity,
  EnrollmentEntity,
  ParticipantActionEntity,
  EmailMessageEntity,
  EmailInboundEntity,
  MailboxCursorEntity,
  CallbackEntity,
  LeadReplyEntity,
  AgentPresenceEntity,
  AgentStateChangeEntity,
  WorkDeliveryEntity,
  DialQueueEntity,
  DialQueueAgentEntity,
  DialQueueSupervisorEntity,
  DialQueueItemEntity,
  DialCallEntity,
  DispositionEntity,
  DispositionChangeEntity,
  ActionGroupEntity,
  ActionGroupRunEntity,
  ActionGroupRunStepEntity,
  IntegrationEntity,
  IntegrationLinkEntity,
  SmsTemplateEntity,
  ReportCallHourEntity,
  ReportStateHourEntity,
  ReportDispositionHourEntity,
  ReportWatermarkEntity,
  ReportCallDayEntity,
  ReportStateDayEntity,
  ReportDispositionDayEntity,
  ReportSubscriptionEntity,
];
