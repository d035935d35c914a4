import { Body, Controller, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../web/access.decorators.js';
import { CarrierEventsService, type CarrierParams } from './carrier-events.service.js';
import { Accepts } from '../../web/media-types.js';
import { CarrierSignatureGuard } from './carrier-signature.guard.js';

/**
 * Where the carrier calls us. Not behind our sign-in: each request must carry the
 * carrier's signature over its URL and parameters instead (403 otherwise). The carrier
 * posts forms, never JSON.
 */
@ApiExcludeController()
@Public()
@Accepts('application/x-www-form-urlencoded')
@UseGuards(CarrierSignatureGuard)
@Controller('telephony')
export class CarrierWebhooksController {
  constructor(private readonly events: CarrierEventsService) {}

  @Post('webhooks/call-status')
  @HttpCode(204)
  async callStatus(@Query('c') c: string | undefined, @Body() body: CarrierParams): Promise<void> {
    await this.events.callStatus(c, body);
  }

  @Post('webhooks/sms-status')
  @HttpCode(204)
  async smsStatus(@Query('c') c: string | undefined, @Body() body: CarrierParams): Promise<void> {
    await this.events.smsStatus(c, body);
  }

  @Post('webhooks/recording')
  @HttpCode(204)
  async recording(@Query('c') c: string, @Body() body: CarrierParams): Promise<void> {
    await this.events.recording(c, body);
  }

  @Post('webhooks/voice')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  voice(@Body() body: CarrierParams): Promise<string> {
    return this.events.voice(body);
  }

  @Post('webhooks/sms')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  sms(@Body() body: CarrierParams): Promise<string> {
    return this.events.inboundSms(body);
  }

  @Post('twiml/bridge')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  bridge(@Query('c') c: string | undefined, @Query('w') w: string | undefined, @Body() body: CarrierParams): Promise<string> {
    return this.events.bridge(c, body, { w });
  }

  @Post('twiml/inbound-fallback')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  inboundFallback(@Query('c') c: string, @Body() body: CarrierParams): string {
    return this.events.inboundFallback(c, body);
  }
}
