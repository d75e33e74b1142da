from interview_drill.cli.app import main

main()
