    setCount((c) => c + 1);
  }, []);

  return <button onClick={increment}>{count}</button>;
}
