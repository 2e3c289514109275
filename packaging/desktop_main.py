from gapscope_desktop.app import main

main()
