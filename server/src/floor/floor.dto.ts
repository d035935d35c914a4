import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { MONITOR_MODES, type MonitorMode, RECORDING_ACTIONS, type RecordingAction, TRANSFER_TYPES, type TransferType } from '#shared';

export class MonitorDto {
  @ApiProperty({ enum: MONITOR_MODES, description: 'listen: heard by nobody; whisper: heard by the agent only; barge: heard by both' })
  @IsIn(MONITOR_MODES as unknown as string[], { message: `must be one of ${MONITOR_MODES.join(', ')}` })
  mode: MonitorMode;
}

export class FloorRulesDto {
  @ApiProperty({ description: 'Agents are not told when a supervisor only listens' })
  @IsBoolean({ message: 'must be true or false' })
  hideSilentMonitoring: boolean;
}

export class TransferTargetDto {
  @ApiPropertyOptional({ description: 'An agent (they must be ready)' }) @IsOptional() @IsUUID('all', { message: 'must be a user id' }) agentId?: string;
  @ApiPropertyOptional({ description: "A queue: its longest-ready agent" }) @IsOptional() @IsUUID('all', { message: 'must be a dial queue id' }) queueId?: string;
  @ApiPropertyOptional({ example: '+13055550199', description: 'An outside number (the compliance gate decides)' }) @IsOptional() @IsString() @MaxLength(32) number?: string;
}

export class TransferDto {
  @ApiProperty({ enum: TRANSFER_TYPES, description: 'cold: you leave at once; warm: the person waits on hold while you talk to the target; three-way: all together' })
  @IsIn(TRANSFER_TYPES as unknown as string[], { message: `must be one of ${TRANSFER_TYPES.join(', ')}` })
  type: TransferType;

  @ApiProperty({ type: TransferTargetDto, description: 'Exactly one of agentId, queueId, number' })
  @IsDefined({ message: 'is required: one of agentId, queueId, number' })
  @ValidateNested()
  @Type(() => TransferTargetDto)
  target: TransferTargetDto;
}

export class RecordingActionDto {
  @ApiProperty({ enum: RECORDING_ACTIONS, description: 'start; consent (the person agreed: start); pause (card numbers); resume; stop' })
  @IsIn(RECORDING_ACTIONS as unknown as string[], { message: `must be one of ${RECORDING_ACTIONS.join(', ')}` })
  action: RecordingAction;
}

export class RecordingsOfCallsQuery {
  @ApiProperty({ description: 'Call (conversation) ids, comma-separated, up to 50' })
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value))
  @IsArray({ message: 'must be call ids, comma-separated' })
  @ArrayMinSize(1, { message: 'must name at least one call' })
  @ArrayMaxSize(50, { message: 'may name at most 50 calls' })
  @IsUUID('all', { each: true, message: 'must be call ids' })
  conversationIds!: string[];
}
