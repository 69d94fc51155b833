/**
 * A small max-flow (Dinic) for invariant (a): can injixo's counts be explained by putting every
 * expected contact in one of its allowed queues, or in a gap that carries its count?
 */
export class FlowNetwork {
  private readonly to: number[] = [];
  private readonly capacity: number[] = [];
  private readonly adjacency: number[][] = [];

  addNode(): number {
    this.adjacency.push([]);
    return this.adjacency.length - 1;
  }

  /** Returns the edge's index, to read its flow later. */
  addEdge(from: number, to: number, capacity: number): number {
    const index = this.to.length;
    this.to.push(to, from);
    this.capacity.push(capacity, 0);
    this.adjacency[from]?.push(index);
    this.adjacency[to]?.push(index + 1);
    return index;
  }

  /** Flow through an edge after maxFlow (what its reverse edge holds). */
  flowOf(edge: number): number {
    return this.capacity[edge + 1] ?? 0;
  }

  maxFlow(source: number, sink: number): number {
    let total = 0;
    for (;;) {
      const level = this.levels(source);
      if ((level[sink] ?? -1) < 0) return total;
      const next = new Array<number>(this.adjacency.length).fill(0);
      for (let pushed = this.push(source, sink, Infinity, level, next); pushed > 0; pushed = this.push(source, sink, Infinity, level, next)) total += pushed;
    }
  }

  private levels(source: number): number[] {
    const level = new Array<number>(this.adjacency.length).fill(-1);
    level[source] = 0;
    const queue = [source];
    for (let head = 0; head < queue.length; head += 1) {
      const node = queue[head] as number;
      for (const edge of this.adjacency[node] ?? []) {
        const target = this.to[edge] as number;
        if ((this.capacity[edge] ?? 0) > 0 && (level[target] ?? 0) < 0) {
          level[target] = (level[node] ?? 0) + 1;
          queue.push(target);
        }
      }
    }
    return level;
  }

  /** One blocking-flow path, iteratively (graphs here are shallow but wide). */
  private push(node: number, sink: number, limit: number, level: number[], next: number[]): number {
    if (node === sink) return limit;
    const edges = this.adjacency[node] ?? [];
    for (; (next[node] ?? 0) < edges.length; next[node] = (next[node] ?? 0) + 1) {
      const edge = edges[next[node] ?? 0] as number;
      const target = this.to[edge] as number;
      const room = this.capacity[edge] ?? 0;
      if (room <= 0 || (level[target] ?? -1) !== (level[node] ?? 0) + 1) continue;
      const pushed = this.push(target, sink, Math.min(limit, room), level, next);
      if (pushed > 0) {
        this.capacity[edge] = room - pushed;
        this.capacity[edge ^ 1] = (this.capacity[edge ^ 1] ?? 0) + pushed;
        return pushed;
      }
    }
    return 0;
  }
}
