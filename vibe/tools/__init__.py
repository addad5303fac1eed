"""Built-in tools, written once for every frontend. One module per tool."""
