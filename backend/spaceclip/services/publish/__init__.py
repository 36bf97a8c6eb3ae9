"""What goes out with a clip besides the video: post text per platform, show notes per episode."""
