      <li key={item.id}>{item.label}</li>
    ))}
  </ul>
  )
}

export default List
