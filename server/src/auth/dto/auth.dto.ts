import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { UserViewDto } from '../../users/dto/user.dto.js';

export class LoginDto {
  @ApiProperty({ example: 'agent@switchboard.local' })
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'switchboard-demo' })
  @IsString()
  @MinLength(1, { message: 'must not be empty' })
  @MaxLength(200)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MinLength(20, { message: 'is not a refresh token' })
  @MaxLength(200)
  refreshToken: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn: number;
  @ApiProperty() refreshToken: string;
  @ApiProperty() refreshExpiresAt: string;
}

export class LoginResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserViewDto }) user: UserViewDto;
}
