import { Body, Controller, Header, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../web/access.decorators.js';
import { CarrierEventsService, type CarrierParams } from './carrier-events.service.js';
import { Accepts } from '../../web/media-types.js';
import { CarrierSignatureGuard } from './carrier-signature.guard.js';
import { CallRooms } from '../rooms/call-rooms.service.js';
import { CallRecorder } from '../rooms/call-recorder.service.js';

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
  constructor(
    private readonly events: CarrierEventsService,
    private readonly rooms: CallRooms,
    private readonly recorder: CallRecorder,
  ) {}

  @Post('webhooks/conference')
  @HttpCode(204)
  async conference(@Query('c') c: string | undefined, @Body() body: CarrierParams): Promise<void> {
    await this.rooms.conferenceEvent(c, body);
  }

  @Post('webhooks/call-recording')
  @HttpCode(204)
  async callRecording(@Query('c') c: string | undefined, @Body() body: CarrierParams): Promise<void> {
    await this.recorder.callback(c, body);
  }

  @Post('webhooks/leg-status')
  @HttpCode(204)
  async legStatus(@Query('l') l: string | undefined, @Body() body: CarrierParams): Promise<void> {
    await this.rooms.legStatus(l, body);
  }

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
  bridge(@Query('c') c: string | undefined, @Query('w') w: string | undefined, @Query('missed') missed: string | undefined, @Body() body: CarrierParams): Promise<string> {
    return this.events.bridge(c, body, { w, missed: missed && /^[0-9a-f-]{36}$/.test(missed) ? missed : undefined });
  }

  @Post('twiml/inbound-fallback')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  inboundFallback(@Query('c') c: string, @Body() body: CarrierParams): string {
    return this.events.inboundFallback(c, body);
  }
}
