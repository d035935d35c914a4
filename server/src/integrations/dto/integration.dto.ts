import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const trimmed = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** An integration as sent by an admin; settings and secrets are checked against the kind's spec. */
export class IntegrationDto {
  @ApiProperty({ example: 's3' }) @IsString() @MaxLength(16) kind: string;
  @ApiProperty() @trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject({ message: 'must be an object' }) settings?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Write-only: never returned. null clears one.' })
  @IsOptional()
  @IsObject({ message: 'must be an object' })
  secrets?: Record<string, unknown>;
}

export class UpdateIntegrationDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(16) kind?: string;
  @ApiPropertyOptional() @IsOptional() @trimmed() @IsString() @MinLength(1, { message: 'must not be empty' }) @MaxLength(120) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject({ message: 'must be an object' }) settings?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) @IsOptional() @IsObject({ message: 'must be an object' }) secrets?: Record<string, unknown>;
}
