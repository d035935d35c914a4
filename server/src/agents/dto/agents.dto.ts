import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CHOSEN_AGENT_STATES, type ChosenAgentState } from '#shared';

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

  @ApiProperty({ description: 'Longest wrap-up after a call before the agent is made ready' })
  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(5)
  @Max(3600)
  wrapUpMaxSeconds: number;
}

export class HistoryQuery {
  @ApiPropertyOptional({ default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}
