"""The live preview: a peer of the build, not part of the web edition: its server, watcher and live reload."""
