/** Strategies: how a rollout moves a fleet from one revision to the next. */
package dev.molt.strategy;
