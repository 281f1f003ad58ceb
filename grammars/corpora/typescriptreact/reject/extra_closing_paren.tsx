const list = items.map((i) => <li key={i}>{i}</li>));
