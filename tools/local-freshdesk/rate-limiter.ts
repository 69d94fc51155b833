/**
 * Freshdesk's per-account, per-minute API limits (Freshdesk API v2 reference, "Rate Limit"):
 * one budget per plan shared by every caller, and a lower sub-limit for the ticket list
 * endpoint. "Even invalid requests count towards the rate limit."
 */
export type FreshdeskPlan = 'growth' | 'pro' | 'enterprise';

export const PLAN_LIMITS: Readonly<Record<FreshdeskPlan, { total: number; ticketList: number }>> = {
  growth: { total: 200, ticketList: 20 },
  pro: { total: 400, ticketList: 100 },
  enterprise: { total: 700, ticketList: 200 },
};

const MINUTE = 60_000;

export interface RateDecision {
  allowed: boolean;
  total: number;
  remaining: number;
  usedByThisRequest: number;
  /** Whole seconds until the next minute window; only when refused. */
  retryAfterSeconds?: number;
}

/** Per-minute budgets of a plan; tests may set their own so a walk of thousands of calls fits in seconds. */
export interface PlanLimits {
  total: number;
  ticketList: number;
}

export class MinuteRateLimiter {
  private window = Number.NEGATIVE_INFINITY;
  private used = 0;
  private ticketListUsed = 0;
  private custom: PlanLimits | undefined;

  constructor(private plan: FreshdeskPlan) {}

  setPlan(plan: FreshdeskPlan): void {
    this.plan = plan;
    this.custom = undefined;
  }

  /** Limits no real plan has (a test account); replaces the plan's until setPlan. */
  setLimits(limits: PlanLimits): void {
    this.custom = { ...limits };
  }

  /** Charges one call of `cost` credits (embeds cost more) at clock time `now`, or refuses it. */
  take(now: number, isTicketList: boolean, cost = 1): RateDecision {
    const window = Math.floor(now / MINUTE);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
      this.ticketListUsed = 0;
    }
    const limits = this.custom ?? PLAN_LIMITS[this.plan];
    const refused = this.used + cost > limits.total || (isTicketList && this.ticketListUsed >= limits.ticketList);
    if (refused) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * MINUTE - now) / 1000));
      return { allowed: false, total: limits.total, remaining: Math.max(0, limits.total - this.used), usedByThisRequest: 0, retryAfterSeconds };
    }
    this.used += cost;
    if (isTicketList) this.ticketListUsed += 1;
    return { allowed: true, total: limits.total, remaining: limits.total - this.used, usedByThisRequest: cost };
  }
}
