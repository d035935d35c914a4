import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { type Permission, PERMISSIONS, ROLES, type Role } from '#shared';

export class CreateUserDto {
  @ApiProperty({ example: 'ana@example.com' })
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Ana Lima' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], { message: `must be one of ${ROLES.join(', ')}` })
  role: Role;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(200)
  password: string;

  @ApiPropertyOptional({ enum: PERMISSIONS, isArray: true, nullable: true, description: "The user's own permissions instead of the role's defaults; null goes back to the defaults" })
  @IsOptional()
  @IsArray({ message: 'must be a list of permissions, or null for the role defaults' })
  @IsIn(PERMISSIONS as unknown as string[], { each: true, message: `each must be one of ${PERMISSIONS.join(', ')}` })
  permissions?: Permission[] | null;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES as unknown as string[], { message: `must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minLength: 8 })
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(200)
  password?: string;

  @ApiPropertyOptional({ enum: PERMISSIONS, isArray: true, nullable: true, description: "The user's own permissions instead of the role's defaults; null goes back to the defaults" })
  @IsOptional()
  @IsArray({ message: 'must be a list of permissions, or null for the role defaults' })
  @IsIn(PERMISSIONS as unknown as string[], { each: true, message: `each must be one of ${PERMISSIONS.join(', ')}` })
  permissions?: Permission[] | null;
}

export class UserViewDto {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
  @ApiProperty() customPermissions: boolean;
  @ApiProperty() active: boolean;
  @ApiProperty() createdAt: string;
}
