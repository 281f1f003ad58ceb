interface Props {
  items: string[]
  onSelect(item: 