/**
 * Notifications: {@link dev.molt.notify.WebhookNotifier}, a {@link
 * dev.molt.engine.RolloutListener} that posts signed JSON payloads about chosen events to a
 * webhook, off the engine's threads, with retries that back off.
 */
package dev.molt.notify;
