function C(props: Props {
  return <div />;
}
