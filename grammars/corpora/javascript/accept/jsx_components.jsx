// JSX: elements, fragments, attributes, spread, expressions, member and namespaced names.
import React, { useState } from "react";

export function TodoList({ items, onToggle, ...rest }) {
  const [filter, setFilter] = useState("all");
  const visible = items.filter((i) => filter === "all" || i.done === (filter === "done"));

  return (
    <section className="todo" {...rest}>
      <h1 id='title'>Todos ({visible.length})</h1>
      <>
        <label htmlFor="filter">Show:</label>
        <select id="filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="all">All</option>
          <option value="done">Done</option>
        </select>
      </>
      {/* a comment child */}
      <ul>
        {visible.map((item) => (
          <li key={item.id} data-done={item.done} aria-label={`item ${item.id}`}>
            <input type="checkbox" checked={item.done} onChange={() => onToggle(item.id)} />
            {item.done ? <s>{item.text}</s> : item.text}
          </li>
        ))}
      </ul>
      <Layout.Footer count={visible.length} render={() => <span>done</span>} />
      <svg:rect xlink:href="#a" width="10" />
      {visible.length === 0 && <p>Nothing to do &mdash; relax!</p>}
      <p>
        Multi-line text with 'quotes' and "double quotes",
        and an expression: {filter}.
      </p>
      <Empty></Empty>
      <input disabled value="x" />
    </section>
  );
}

const element = <div style={{ color: "red", fontSize: 12 }}>styled</div>;
const conditional = (flag) => flag ? <A /> : <B prop="x" />;
export default TodoList;
