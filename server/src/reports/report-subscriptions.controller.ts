import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AccessClaims, ReportSendResult, ReportSubscriptionView } from '#shared';
import { UuidParamPipe } from '../common/param-pipes.js';
import { CurrentUser, Roles } from '../web/access.decorators.js';
import { CreateReportSubscriptionDto, UpdateReportSubscriptionDto } from './dto/report-subscription.dto.js';
import { ReportSubscriptionsService } from './report-subscriptions.service.js';

/** Reports emailed as CSV every day to a list of users, for supervisors and admins. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports/subscriptions')
export class ReportSubscriptionsController {
  constructor(private readonly subscriptions: ReportSubscriptionsService) {}

  @Roles('admin', 'supervisor')
  @Post()
  @ApiOperation({ summary: "Emails a report as CSV every day at a time of the floor's zone (default 07:00) to users" })
  create(@Body() body: CreateReportSubscriptionDto, @CurrentUser() actor: AccessClaims): Promise<ReportSubscriptionView> {
    return this.subscriptions.create(body, actor.sub);
  }

  @Roles('admin', 'supervisor')
  @Get()
  @ApiOperation({ summary: 'Every report subscription' })
  list(): Promise<ReportSubscriptionView[]> {
    return this.subscriptions.list();
  }

  @Roles('admin', 'supervisor')
  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<ReportSubscriptionView> {
    return this.subscriptions.get(id);
  }

  @Roles('admin', 'supervisor')
  @Patch(':id')
  update(@Param('id', UuidParamPipe) id: string, @Body() body: UpdateReportSubscriptionDto): Promise<ReportSubscriptionView> {
    return this.subscriptions.update(id, body);
  }

  @Roles('admin', 'supervisor')
  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', UuidParamPipe) id: string): Promise<void> {
    await this.subscriptions.remove(id);
  }

  @Roles('admin', 'supervisor')
  @Post(':id/send-now')
  @HttpCode(200)
  @ApiOperation({ summary: "Emails the report now (its range counted back from today) to every recipient; the schedule is left as it is" })
  sendNow(@Param('id', UuidParamPipe) id: string): Promise<ReportSendResult> {
    return this.subscriptions.sendNow(id);
  }
}
