/** The content shapes outreach reads (from src/content, the shared schema). */
export type { BotConfig, Campaign, CampaignEvent, ContentBundle } from '../content/schema.js';
import type { CampaignEvent } from '../content/schema.js';
export type MessageRefSchemaOut = CampaignEvent['message'];
