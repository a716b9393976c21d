// The policy drawn as the graph the commercial routers show: rules → targets → pools → the people
// and queues leads end with, one column per layer, from the compiled policy's IR. The layout is
// deterministic (the same policy always gives the same drawing): rules keep their file order, and
// each later column is ordered by where its nodes' parents sit (the barycenter heuristic), which
// keeps edges from crossing where it can. With path counts (from simulate) each edge says how
// many leads took it, and its width follows.

import type { PolicyIR, TargetIR } from '../compiler/ir';
import { formatNumber, html, leadCount, page, section, shorten, table, type Html } from './html';

export type GraphNodeKind = 'rule' | 'target' | 'pool' | 'person' | 'owner' | 'queue' | 'fallback';

export interface GraphNode {
  /** `rule:I`, `target:I.J`, `pool:NAME`, `rep:NAME`, `owner`, `queue:NAME`, `exception:QUEUE`. */
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** Leads whose path went through the node; null when drawn without path counts. */
  leads: number | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Leads that took the edge; null when drawn without path counts. */
  leads: number | null;
}

export interface PolicyGraph {
  /** The nodes of each column, in drawing order: rules, targets, pools, ends. */
  layers: GraphNode[][];
  edges: GraphEdge[];
}

/**
 * Leads along one path: the rule (its index) and target (its index in the rule) that decided,
 * the pool the lead was drawn from, and where it ended: `rep:NAME`, `queue:NAME` or
 * `exception:QUEUE` (the destinations of simulate and diff). Nulls where the path had none.
 */
export interface PathCount {
  rule: number | null;
  target: number | null;
  pool: string | null;
  end: string;
  leads: number;
}

/** The graph of a policy, with lead counts on the edges when `paths` are given. */
export function policyGraph(ir: PolicyIR, paths: readonly PathCount[] | null = null): PolicyGraph {
  const nodes = new Map<string, GraphNode & { layer: number }>();
  const edges = new Map<string, GraphEdge>();
  const add = (layer: number, id: string, kind: GraphNodeKind, label: string): string => {
    if (!nodes.has(id)) nodes.set(id, { id, kind, label, layer, leads: paths === null ? null : 0 });
    return id;
  };
  const link = (from: string, to: string): GraphEdge => {
    const key = `${from}\u0000${to}`;
    let edge = edges.get(key);
    if (edge === undefined) edges.set(key, (edge = { from, to, leads: paths === null ? null : 0 }));
    return edge;
  };
  const poolNode = (index: number): string => {
    const pool = ir.pools[index];
    const id = add(2, `pool:${pool.name}`, 'pool', `pool ${pool.name}`);
    for (const m of pool.members) link(id, add(3, `rep:${m.name}`, 'person', m.name));
    return id;
  };

  for (const rule of ir.rules) {
    const r = add(0, `rule:${rule.index}`, 'rule', `line ${rule.line}: ${rule.source}`);
    rule.targets.forEach((target, j) => {
      const t = add(1, `target:${rule.index}.${j}`, 'target', targetLabel(ir, target));
      link(r, t);
      for (const to of targetEnds(ir, target, poolNode, add)) link(t, to);
    });
  }
  add(3, `exception:${ir.fallback}`, 'fallback', `fallback: queue ${ir.fallback}`);

  for (const p of paths ?? []) {
    // A path's nodes, in order; an owner target's person is drawn as the one "account owner" node.
    const target = p.rule !== null && p.target !== null ? `target:${p.rule}.${p.target}` : null;
    const ownerTarget = p.rule !== null && p.target !== null && ir.rules[p.rule]?.targets[p.target]?.kind === 'owner';
    const end = ownerTarget && p.end.startsWith('rep:') ? 'owner' : p.end;
    if (!nodes.has(end)) add(3, end, end.startsWith('exception:') ? 'fallback' : end.startsWith('queue:') ? 'queue' : 'person', end.slice(end.indexOf(':') + 1));
    const chain = [p.rule === null ? null : `rule:${p.rule}`, target, p.pool === null ? null : `pool:${p.pool}`, end].filter((id): id is string => id !== null && nodes.has(id));
    for (const id of chain) (nodes.get(id) as { leads: number }).leads += p.leads;
    for (let i = 1; i < chain.length; i++) (link(chain[i - 1], chain[i]).leads as number) += p.leads;
  }
  return { layers: order([...nodes.values()], [...edges.values()]), edges: [...edges.values()] };
}

function targetLabel(ir: PolicyIR, target: TargetIR): string {
  switch (target.kind) {
    case 'owner':
      return `owner (${ir.paths[target.path].join('.')})`;
    case 'rep':
      return `rep ${target.name}`;
    case 'queue':
      return `queue ${target.name}`;
    case 'pool':
      return `${target.strategy}(${ir.pools[target.pool].name})`;
    case 'by':
      return `by ${target.keys.join(' then ')} then ${target.strategy}(pool)`;
  }
}

/** The nodes a target sends leads to: a person, a queue, a pool, or (for `by`) every pool its keys can name. */
function targetEnds(ir: PolicyIR, target: TargetIR, poolNode: (index: number) => string, add: (layer: number, id: string, kind: GraphNodeKind, label: string) => string): string[] {
  switch (target.kind) {
    case 'owner':
      return [add(3, 'owner', 'owner', "the account's owner")];
    case 'rep':
      return [add(3, `rep:${target.name}`, 'person', target.name)];
    case 'queue':
      return [add(3, `queue:${target.name}`, 'queue', `queue ${target.name}`)];
    case 'pool':
      return [poolNode(target.pool)];
    case 'by': {
      // A pool fits when it has one segment per key and each segment is `*` or a value the key can take.
      const values = target.values.map((v) => (v.kind === 'dim' ? new Set(ir.dimensions[v.dim].arms.map((a) => a.value.toLowerCase())) : null));
      const fits = (segments: string[]) => segments.length === values.length && segments.every((s, i) => s === '*' || values[i] === null || values[i].has(s));
      return ir.pools.flatMap((pool, index) => (fits(pool.segments) ? [poolNode(index)] : []));
    }
  }
}

/** The columns, each ordered by the mean position of its nodes' parents (first-seen order on ties and for orphans). */
function order(nodes: (GraphNode & { layer: number })[], edges: readonly GraphEdge[]): GraphNode[][] {
  const layers: (GraphNode & { layer: number })[][] = [[], [], [], []];
  for (const n of nodes) layers[n.layer].push(n);
  // Positions are fractions of a column's height, so a parent two columns back weighs the same as one next door.
  const position = new Map<string, number>();
  layers[0].forEach((n, i) => position.set(n.id, (i + 0.5) / layers[0].length));
  for (let l = 1; l < layers.length; l++) {
    const weight = (n: GraphNode, seen: number) => {
      const parents = edges.filter((e) => e.to === n.id && position.has(e.from)).map((e) => position.get(e.from) as number);
      return parents.length === 0 ? Number.MAX_SAFE_INTEGER + seen : parents.reduce((a, b) => a + b, 0) / parents.length;
    };
    const keyed = layers[l].map((n, seen) => ({ n, w: weight(n, seen), seen }));
    keyed.sort((a, b) => a.w - b.w || a.seen - b.seen);
    layers[l] = keyed.map((k) => k.n);
    layers[l].forEach((n, i) => position.set(n.id, (i + 0.5) / layers[l].length));
  }
  return layers.map((layer) => layer.map(({ id, kind, label, leads }) => ({ id, kind, label, leads })));
}

const COLUMN = 270;
const NODE_W = 210;
const NODE_H = 30;
const GAP = 10;

/** The policy drawing: an SVG graph with a node per rule, target, pool, person and queue, and the edges as a table. */
export function drawPolicy(ir: PolicyIR, paths: readonly PathCount[] | null = null): Html {
  const graph = policyGraph(ir, paths);
  const tallest = Math.max(...graph.layers.map((l) => l.length));
  const height = 30 + tallest * (NODE_H + GAP);
  const width = COLUMN * 3 + NODE_W + 10;
  const at = new Map<string, { x: number; y: number }>();
  const labels = new Map<string, string>();
  graph.layers.forEach((layer, l) => {
    // Each column is centred vertically, so short columns sit beside the middle of long ones.
    const top = 30 + ((tallest - layer.length) * (NODE_H + GAP)) / 2;
    layer.forEach((n, i) => {
      at.set(n.id, { x: 5 + l * COLUMN, y: top + i * (NODE_H + GAP) });
      labels.set(n.id, n.label);
    });
  });
  const most = Math.max(1, ...graph.edges.map((e) => e.leads ?? 0));
  const edges = graph.edges.map((e) => {
    const a = at.get(e.from) as { x: number; y: number };
    const b = at.get(e.to) as { x: number; y: number };
    const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2];
    const mid = (x1 + x2) / 2;
    const width = e.leads === null ? 1.2 : 1 + (7 * e.leads) / most;
    // The count sits three quarters along the curve: apart from the counts of other edges into the same node.
    const count = e.leads === null ? null : html`<text x="${Math.round(x1 + 0.7 * (x2 - x1))}" y="${Math.round(y1 + 0.84 * (y2 - y1) - 3)}" text-anchor="middle" class="muted">${formatNumber(e.leads)}</text>`;
    return html`<g class="${e.leads === 0 ? 'link unused' : 'link'}"><title>${labels.get(e.from) ?? ''} → ${labels.get(e.to) ?? ''}${e.leads === null ? '' : `: ${leadCount(e.leads)}`}</title><path class="edge" d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}" stroke-width="${width.toFixed(1)}"${e.leads === 0 ? html` stroke-dasharray="3 3"` : null}></path>${count}</g>`;
  });
  const nodes = graph.layers.flat().map((n) => {
    const p = at.get(n.id) as { x: number; y: number };
    return html`<g class="node ${n.kind}"><title>${n.label}${n.leads === null ? '' : `: ${leadCount(n.leads)}`}</title><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="5"></rect><text x="${p.x + 8}" y="${p.y + 19}">${shorten(n.label, n.leads === null ? 30 : 24)}</text>${n.leads === null ? null : html`<text x="${p.x + NODE_W - 8}" y="${p.y + 19}" text-anchor="end" class="muted">${formatNumber(n.leads)}</text>`}</g>`;
  });
  const heads = ['Rules', 'Targets', 'Pools', 'People and queues'].map((h, l) => html`<text x="${5 + l * COLUMN}" y="16" class="muted">${h}</text>`);
  const title = `How policy ${ir.name} routes`;
  return html`<figure><figcaption>${title}</figcaption><svg class="policy" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img"><title>${title}: rules, their targets, pools and the people and queues leads end with</title>${heads}${edges}${nodes}</svg><details><summary>The drawing as a table</summary>${table(
    title,
    ['From', 'To', 'Leads'],
    graph.edges.map((e) => [labels.get(e.from) ?? e.from, labels.get(e.to) ?? e.to, e.leads ?? '–']),
  )}</details></figure>`;
}

/** A page of the policy alone: its drawing, for a review before it goes live. */
export function policyPage(ir: PolicyIR, hash: string): string {
  const intro = 'Each lead goes to the first rule whose condition holds (top to bottom), then to that rule’s target: a person, a queue, or a pool whose members take turns. Leads that no rule or pool can place go to the fallback queue.';
  return page(`Policy ${ir.name}`, `${ir.rules.length} rules, ${ir.pools.length} pools · ${hash}`, section('The policy as a graph', intro, drawPolicy(ir)));
}
