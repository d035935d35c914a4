import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../web/access.decorators.js';
import { JsonLogger } from '../common/json-logger.js';
import { EmailTracking } from './email-tracking.js';

/** A transparent 1×1 GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The open pixel and the click redirect in schedule emails. A token we did not sign gets 403 and records nothing. */
@ApiExcludeController()
@Controller('t')
export class TrackingController {
  constructor(
    private readonly tracking: EmailTracking,
    private readonly logger: JsonLogger,
  ) {}

  @Public()
  @Get('o/:token')
  async open(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const claim = this.tracking.read(token);
    if (!claim || claim.url) {
      res.status(403).end();
      return;
    }
    // The image is sent whatever happens to the record: a mail client is never kept waiting on an error.
    await this.tracking.record(claim.messageId, 'open').catch((e: Error) => this.logger.warn(`email open not recorded: ${e.message}`));
    res.status(200).set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL);
  }

  @Public()
  @Get('c/:token')
  async click(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const claim = this.tracking.read(token);
    if (!claim?.url) {
      res.status(403).type('text').send('This link is not valid.');
      return;
    }
    await this.tracking.record(claim.messageId, 'click').catch((e: Error) => this.logger.warn(`email click not recorded: ${e.message}`));
    res.redirect(302, claim.url);
  }
}
