export function Greeting({ name }: { name: string }) {
  return <h1 className="title">Hello, 