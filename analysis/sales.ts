// The ping tree's figures in `leadroute report`: what the buyers' answers in the ledger say of
// the leads for sale (sold rate, revenue) and of each buyer (offers, answers, returns, revenue,
// time to answer). Counted over the leads report.ts follows, from the same entries.
//
// Which leads were for sale: the ledger's decision does not say which strategy chose it, so a
// lead counts when a buyer answered for it, or when its rule is one that some buyer answered
// for (a lead that rule left unsold, with no eligible buyer, was for sale too).
//
// Sales are counted as recordOutcome counts them for sold caps: the buyer of an answer is its
// `by`, else the buyer holding the lead when it was recorded (the entry's assignee); a `returned`
// takes back that buyer's latest sale of the lead not returned yet (its price leaves the
// revenue), and a return with no such sale changes nothing.

import { OFFER_ANSWERS } from '../state/ledger-entry';
import { compareNames, percentile, share, type Share, type Spread } from './figures';
import type { ReportDecisionEntry, ReportEventEntry } from './report';

/** Time to answer: a Spread with the 75th percentile too. */
export interface AnswerTimes extends Spread {
  p75: number | null;
}

export interface BuyerSales {
  buyer: string;
  /** The lead given to the buyer: by the decision (its assignee, or a `multi_sell` co-buyer that answered), or by a reassignment to it. */
  offers: number;
  /** Offers with no answer recorded: still waiting, or moved on without a `timed_out`. */
  unanswered: number;
  accepted: number;
  /** Accepted offers, of all offers. */
  acceptRate: Share;
  declined: number;
  /** The declines by their `reason` (null: none given), most first. */
  declinedBy: { reason: string | null; count: number }[];
  timedOut: number;
  /** Sales taken back by `returned`. */
  returns: number;
  /** The prices of its sales not returned. */
  revenue: number;
  /** From the offer to the buyer's own answer (`accepted` or `declined`; a `timed_out` is the clock's, not the buyer's), ms. */
  timeToAnswer: AnswerTimes;
}

export interface SalesFigures {
  /** Leads for sale (see above). */
  leads: number;
  /** Leads with a sale not returned, of the leads for sale. */
  sold: Share;
  /** The prices of the sales not returned. */
  revenue: number;
  /** Revenue over the leads for sale; null without leads. */
  revenuePerLead: number | null;
  /** Most revenue first, then most offers, then by name. */
  buyers: BuyerSales[];
}

/** What sales needs of a lead report.ts follows: its decision and its events in time order. */
export interface SaleLead {
  decision: ReportDecisionEntry;
  log: readonly ReportEventEntry[];
}

const BUYER_EVENTS: ReadonlySet<string> = new Set(OFFER_ANSWERS);

interface Offer {
  buyer: string;
  at: number;
  answered: boolean;
}

interface BuyerTally {
  offers: number;
  unanswered: number;
  accepted: number;
  declined: Map<string | null, number>;
  timedOut: number;
  returns: number;
  revenue: number;
  answerTimes: number[];
}

/** The sales figures of the leads, or null when no buyer answered for any of them. */
export function salesFigures(leads: readonly SaleLead[]): SalesFigures | null {
  const answered = new Set(leads.filter((lead) => lead.log.some((e) => BUYER_EVENTS.has(e.type))));
  if (answered.size === 0) return null;
  const buyerRules = new Set([...answered].map((lead) => ruleOf(lead.decision)));
  buyerRules.delete(null);
  const forSale = leads.filter((lead) => answered.has(lead) || buyerRules.has(ruleOf(lead.decision)));
  const tallies = new Map<string, BuyerTally>();
  const tallyOf = (buyer: string): BuyerTally => {
    let tally = tallies.get(buyer);
    if (tally === undefined) {
      tally = { offers: 0, unanswered: 0, accepted: 0, declined: new Map(), timedOut: 0, returns: 0, revenue: 0, answerTimes: [] };
      tallies.set(buyer, tally);
    }
    return tally;
  };
  let sold = 0;
  let revenue = 0;
  for (const lead of forSale) {
    const sales = followSales(lead, tallyOf);
    if (sales.length > 0) sold++;
    revenue += sales.reduce((sum, sale) => sum + sale.price, 0);
  }
  return {
    leads: forSale.length,
    sold: share(sold, forSale.length),
    revenue,
    revenuePerLead: forSale.length === 0 ? null : revenue / forSale.length,
    buyers: [...tallies].map(([buyer, t]) => buyerSales(buyer, t)).sort((a, b) => b.revenue - a.revenue || b.offers - a.offers || compareNames(a.buyer, b.buyer)),
  };
}

function ruleOf(decision: ReportDecisionEntry): string | null {
  return decision.rule === null ? null : `${decision.rule.line}:${decision.rule.source}`;
}

/** Counts one lead's offers and answers into the buyers' tallies; resolves to its sales not returned. */
function followSales(lead: SaleLead, tallyOf: (buyer: string) => BuyerTally): { buyer: string; price: number }[] {
  const { decision } = lead;
  const offers: Offer[] = [];
  const offer = (buyer: string, at: number): Offer => {
    const made = { buyer, at, answered: false };
    offers.push(made);
    return made;
  };
  if (decision.status === 'assigned' && decision.assignee !== null) for (const buyer of decision.assignees ?? [decision.assignee]) offer(buyer, decision.at);
  const sales: { buyer: string; price: number }[] = [];
  for (const e of lead.log) {
    if (e.type === 'reassigned' && e.assignee !== null) offer(e.assignee, e.at);
    if (!BUYER_EVENTS.has(e.type)) continue;
    const buyer = e.by ?? e.assignee ?? decision.assignee;
    if (buyer === null) continue;
    const tally = tallyOf(buyer);
    if (e.type === 'returned') {
      const i = sales.findLastIndex((sale) => sale.buyer === buyer);
      if (i < 0) continue;
      tally.returns++;
      tally.revenue -= sales[i].price;
      sales.splice(i, 1);
      continue;
    }
    // An answer without an open offer of its own was offered at the decision (a multi_sell co-buyer of a ledger written before decisions named them all).
    const answering = offers.find((o) => o.buyer === buyer && !o.answered) ?? offer(buyer, decision.at);
    answering.answered = true;
    if (e.type === 'timed_out') tally.timedOut++;
    else {
      tally.answerTimes.push(e.at - answering.at);
      if (e.type === 'accepted') {
        const price = e.value ?? 0;
        tally.accepted++;
        tally.revenue += price;
        sales.push({ buyer, price });
      } else {
        const reason = reasonOf(e.data);
        tally.declined.set(reason, (tally.declined.get(reason) ?? 0) + 1);
      }
    }
  }
  for (const o of offers) {
    const tally = tallyOf(o.buyer);
    tally.offers++;
    if (!o.answered) tally.unanswered++;
  }
  return sales;
}

function reasonOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const reason = (data as { reason?: unknown }).reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason : null;
}

function buyerSales(buyer: string, t: BuyerTally): BuyerSales {
  const declined = [...t.declined.values()].reduce((sum, n) => sum + n, 0);
  return {
    buyer,
    offers: t.offers,
    unanswered: t.unanswered,
    accepted: t.accepted,
    acceptRate: share(t.accepted, t.offers),
    declined,
    declinedBy: [...t.declined].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || compareNames(a.reason, b.reason)),
    timedOut: t.timedOut,
    returns: t.returns,
    revenue: t.revenue,
    timeToAnswer: answerTimes(t.answerTimes),
  };
}

function answerTimes(values: readonly number[]): AnswerTimes {
  if (values.length === 0) return { count: 0, median: null, p75: null, p90: null };
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentile(sorted, 0.5), p75: percentile(sorted, 0.75), p90: percentile(sorted, 0.9) };
}
