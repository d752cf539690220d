/**
 * Patch-wave campaigns: one base-image change rolled out to every fleet built on the old base, in
 * waves, under a global exposure budget. {@link dev.molt.campaign.Campaigns} starts a {@link
 * dev.molt.campaign.CampaignSpec} and returns a {@link dev.molt.campaign.CampaignHandle}; each
 * fleet is rebuilt through the user's {@link dev.molt.campaign.ImageRebuild} and rolled by its own
 * rollout on its own engine, with its own record and events. A pure planner decides from the
 * spec, the observed progress and the time; the run performs what it decides. See {@code
 * docs/campaigns.md}.
 */
package dev.molt.campaign;
