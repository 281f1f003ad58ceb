type Status = "idle" | "loading" | "error" | "done";

export function StatusView({ status, error, data }: { status: Status; error?: Error; data?: string[] }) {
  if (status === "loading") return <p>Loading&hellip;</p>;
  return (
    <>
      {status === "error" && error ? (
        <div role="alert">
          <strong>Error:</strong> {error.message}
        </div>
      ) : null}
      {status === "done" && (
        <>
          <h2>Results ({data?.length ?? 0})</h2>
          {data!.length > 0 ? (
            data!.map((d) => <p key={d}>{d}</p>)
          ) : (
            <p>No results</p>
          )}
        </>
      )}
      {/* nothing rendered while idle */}
    </>
  );
}
