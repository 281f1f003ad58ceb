export function Card({ title }) {
  return (
    <div className="card">
      <h2>{title}</h2>
      Some text and 