return (
  <>
    <Header />
    {loading ? <Spinner /> : 