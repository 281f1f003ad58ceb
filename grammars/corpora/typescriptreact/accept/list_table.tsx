interface Column<Row> {
  key: keyof Row & string;
  title: string;
  render?: (row: Row) => React.ReactNode;
  width?: number;
}

interface TableProps<Row extends { id: string | number }> {
  rows: Row[];
  columns: Column<Row>[];
  onRowClick?(row: Row): void;
}

export function Table<Row extends { id: string | number }>({ rows, columns, onRowClick }: TableProps<Row>) {
  return (
    <table>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.key} style={{ width: c.width }}>{c.title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr><td colSpan={columns.length}>empty</td></tr>
        ) : rows.map((row) => (
          <tr key={row.id} onClick={onRowClick ? () => onRowClick(row) : undefined}>
            {columns.map((c) => <td key={c.key}>{c.render ? c.render(row) : String(row[c.key])}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
