      console.log("tick", count)
      count++
    }, 1000)
  })
}

start()
