export const Item = ({ id }: Props) => (
  <li key={id}>
    <span