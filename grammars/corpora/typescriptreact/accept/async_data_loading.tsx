import { Suspense, lazy, useEffect, useState } from "react";

const Chart = lazy(() => import("./Chart"));

interface Point { x: number; y: number }

async function loadPoints(signal: AbortSignal): Promise<Point[]> {
  const res = await fetch("/api/points", { signal });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as Point[];
}

export default function Dashboard() {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const ctrl = new AbortController();
    loadPoints(ctrl.signal)
      .then(setPoints)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => ctrl.abort();
  }, []);

  if (error) return <p className="error">{error}</p>;
  if (!points) return <p>Loading…</p>;
  return (
    <Suspense fallback={<div className="spinner" />}>
      <Chart data={points} onSelect={(p: Point) => console.log(p.x, p.y)} />
    </Suspense>
  );
}
