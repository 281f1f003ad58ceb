import { useState } from "react";

export function Counter(props: { start: number }) {
  const [count, setCount] = useState(props.start);
  const increment = () => ‸;
  return <button onClick={increment}>{count}</button>;
}
