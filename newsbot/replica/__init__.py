"""The News On Japan replica: hand-written content, its static renderer and a loopback server."""
