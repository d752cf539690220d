/**
 * Records to and from JSON for what core keeps: rollout records, leases and control requests in
 * the stores, campaign snapshots. Not exported; not API.
 */
package dev.molt.codec;
