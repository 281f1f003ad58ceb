async function f() {
  const x = await;
}
