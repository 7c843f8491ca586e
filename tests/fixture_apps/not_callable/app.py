process = "hello"
