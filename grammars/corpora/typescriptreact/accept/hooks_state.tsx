import { useCallback, useEffect, useReducer, useRef, useState } from "react";

type Action = { type: "inc" } | { type: "dec" } | { type: "set"; value: number };

function reducer(state: number, action: Action): number {
  switch (action.type) {
    case "inc":
      return state + 1;
    case "dec":
      return state - 1;
    case "set":
      return action.value;
  }
}

export function Counter({ initial = 0 }: { initial?: number }) {
  const [count, dispatch] = useReducer(reducer, initial);
  const [history, setHistory] = useState<number[]>([]);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setHistory((h) => [...h, count]);
  }, [count]);

  const reset = useCallback(() => dispatch({ type: "set", value: initial }), [initial]);

  return (
    <div>
      <output>{count}</output>
      <button onClick={() => dispatch({ type: "inc" })}>+</button>
      <button onClick={() => dispatch({ type: "dec" })}>-</button>
      <button onClick={reset} disabled={count === initial}>reset</button>
      <input ref={inputRef} defaultValue={String(count)} />
      <ol>{history.map((h, i) => <li key={i}>{h}</li>)}</ol>
    </div>
  );
}
