    total += item.price * item.qty;
  }
  return total;
}

function formatPrice(value) {
  return `$${value.toFixed(2)}`
}
