import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { AFTER_CALL_ACTIONS, type AfterCallAction, CHOSEN_AGENT_STATES, type ChosenAgentState } from '#shared';

export class SetAgentStateDto {
  @ApiProperty({ enum: CHOSEN_AGENT_STATES })
  @IsIn(CHOSEN_AGENT_STATES as unknown as string[], { message: `must be one of ${CHOSEN_AGENT_STATES.join(', ')} (the others follow calls and offers)` })
  state: ChosenAgentState;

  @ApiPropertyOptional({ description: 'Pause reason code (required to pause)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  reason?: string;
}

export class PauseReasonDto {
  @ApiProperty() @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'must be a short lower-case code (letters, digits, - and _)' }) code: string;
  @ApiProperty() @IsString() @MaxLength(60) label: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsInt({ message: 'must be a whole number of minutes' }) @Min(1) @Max(24 * 60) maxMinutes?: number | null;
}

export class AgentRulesDto {
  @ApiProperty({ type: [PauseReasonDto] })
  @IsArray()
  @ArrayMinSize(1, { message: 'must list at least one reason' })
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PauseReasonDto)
  pauseReasons: PauseReasonDto[];

  @ApiProperty({ description: 'Longest wrap-up after a call; then the agent is paused (wrap-up-expired) unless the queue says ready' })
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(5)
  @Max(3600)
  wrapUpMaxSeconds: number;

  @ApiPropertyOptional({ default: 2, description: 'Offers left unanswered in a row before the agent is paused (missed-offers)' })
  @IsOptional()
  @IsInt({ message: 'must be a whole number of offers' })
  @Min(1)
  @Max(20)
  missedOffersBeforePause?: number;
}

export class AfterCallDto {
  @ApiProperty({ enum: AFTER_CALL_ACTIONS, nullable: true, description: 'pause, sign-off, or null to cancel' })
  @IsDefined({ message: `is required: one of ${AFTER_CALL_ACTIONS.join(', ')}, or null to cancel` })
  @ValidateIf((_o, v) => v !== null)
  @IsIn(AFTER_CALL_ACTIONS as unknown as string[], { message: `must be one of ${AFTER_CALL_ACTIONS.join(', ')}, or null to cancel` })
  action: AfterCallAction | null;
}

export class HistoryQuery {
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}
