import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsObject, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateNested } from 'class-validator';

const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** One action in a group; its settings are checked in depth by its type's handler. */
export class GroupActionDto {
  @ApiProperty({ example: 'webhook' }) @IsString() @MaxLength(32) type: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(120) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject({ message: 'must be an object' }) config?: Record<string, unknown>;
}

export class ActionGroupDto {
  @ApiProperty() @trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
  @ApiProperty({ type: [GroupActionDto] }) @IsArray({ message: 'must be a list of actions' }) @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => GroupActionDto) actions: GroupActionDto[];
  @ApiPropertyOptional({ type: [String], example: ['call me back'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MinLength(2, { each: true, message: 'each phrase must be at least 2 characters' })
  @MaxLength(100, { each: true })
  keywords?: string[];
}

export class RunGroupDto {
  @ApiProperty() @IsUUID('all', { message: 'must be a lead id' }) leadId: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a conversation id' }) conversationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be an enrollment id' }) enrollmentId?: string;
  @ApiPropertyOptional({ description: 'Runs with the same key (and subject) happen once; without one every manual run is new' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  key?: string;
}

export class DryRunDto {
  @ApiProperty() @IsUUID('all', { message: 'must be a lead id' }) leadId: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a conversation id' }) conversationId?: string;
}

export class KeywordEventDto {
  @ApiProperty({ example: 'sure, call me back tomorrow' }) @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(20_000) text: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a lead id' }) leadId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all', { message: 'must be a conversation id' }) conversationId?: string;
  @ApiPropertyOptional({ description: 'The sender\'s id for this event: the same event posted again fires nothing new' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  eventId?: string;
  @ApiPropertyOptional({ example: 'voice-agent' }) @IsOptional() @IsString() @MaxLength(40) source?: string;
}
