function App() {
  const [items, setItems] = useState<Item[]>(