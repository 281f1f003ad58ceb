    if (err) {
      reject(err)
    } else {
      resolve(data)
    }
  } catch (e) {
    reject(e)
  } finally {
    cleanup()
  }
}
