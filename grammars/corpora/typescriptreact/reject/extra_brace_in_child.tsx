export default function () {
  return <p>{}}</p>;
}
